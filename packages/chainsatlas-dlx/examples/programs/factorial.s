; factorial.s: prints n! for n = 1..12, one per line, with a recursive fact() that keeps
; its return address (r31) and argument on the stack (r29 starts at the top of memory).
        .text
main:   addi r20, r0, #1        ; n = 1
loop:   sgti r4, r20, #12
        bnez r4, end
        add r2, r20, r0         ; argument in r2
        jal fact                ; result in r1
        add r14, r1, r0
        trap #1                 ; print integer r14
        addi r14, r0, #10
        trap #2                 ; print '\n'
        addi r20, r20, #1
        j loop
end:    trap #0

fact:   subi r29, r29, #8
        sw 0(r29), r31
        sw 4(r29), r2
        slei r4, r2, #1
        beqz r4, recurse
        addi r1, r0, #1
        j fact_ret
recurse:
        subi r2, r2, #1
        jal fact
        lw r2, 4(r29)
        mult r1, r1, r2
fact_ret:
        lw r31, 0(r29)
        addi r29, r29, #8
        jr r31
