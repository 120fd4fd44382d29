; bubble-sort.s: sorts ten signed words in place and prints them separated by spaces.
        .text
main:   la r10, array
        lw r11, count           ; n
outer:  addi r12, r0, #0        ; swapped = 0
        addi r3, r0, #1         ; i = 1
inner:  slt r4, r3, r11
        beqz r4, pass_done
        slli r5, r3, #2
        add r5, r10, r5         ; &a[i]
        lw r6, -4(r5)           ; a[i-1]
        lw r7, 0(r5)            ; a[i]
        sle r8, r6, r7
        bnez r8, no_swap
        sw -4(r5), r7
        sw 0(r5), r6
        addi r12, r0, #1
no_swap:
        addi r3, r3, #1
        j inner
pass_done:
        bnez r12, outer
        addi r3, r0, #0
print:  slt r4, r3, r11
        beqz r4, end
        slli r5, r3, #2
        add r5, r10, r5
        lw r14, 0(r5)
        trap #1
        addi r14, r0, #' '
        trap #2
        addi r3, r3, #1
        j print
end:    addi r14, r0, #10
        trap #2
        halt
        .data
count:  .word 10
array:  .word 29, -3, 17, 0, 42, 8, -15, 23, 4, 11
