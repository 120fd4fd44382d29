; fibonacci.s: prints fib(0) .. fib(29), one per line.
        .text
main:   addi r1, r0, #0         ; a = fib(i)
        addi r2, r0, #1         ; b = fib(i + 1)
        addi r3, r0, #30        ; count
loop:   beqz r3, end
        add r14, r1, r0
        trap #1
        addi r14, r0, #10
        trap #2
        add r4, r1, r2
        add r1, r2, r0
        add r2, r4, r0
        subi r3, r3, #1
        j loop
end:    halt
