; string-reverse.s: reverses a string in place and prints it.
        .text
main:   la r1, str
        add r2, r1, r0
len:    lbu r3, 0(r2)           ; r2 walks to the NUL
        beqz r3, found
        addi r2, r2, #1
        j len
found:  subi r2, r2, #1         ; last character
swap:   sltu r4, r1, r2
        beqz r4, done
        lbu r5, 0(r1)
        lbu r6, 0(r2)
        sb 0(r1), r6
        sb 0(r2), r5
        addi r1, r1, #1
        subi r2, r2, #1
        j swap
done:   la r14, str
        trap #3
        addi r14, r0, #10
        trap #2
        halt
        .data
str:    .asciiz "Hello, ChainsAtlas DLX!"
