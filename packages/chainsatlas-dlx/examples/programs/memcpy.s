; memcpy.s: copies a NUL-terminated string byte by byte, then a 16-byte block word by word,
; and prints both copies.
        .text
main:   la r1, src
        la r2, dst
copy:   lbu r3, 0(r1)
        sb 0(r2), r3
        addi r1, r1, #1
        addi r2, r2, #1
        bnez r3, copy
        la r14, dst
        trap #3                 ; print string at r14
        addi r14, r0, #10
        trap #2
        la r1, words
        la r2, wdst
        addi r5, r0, #4         ; four words
wcopy:  lw r3, 0(r1)
        sw 0(r2), r3
        addi r1, r1, #4
        addi r2, r2, #4
        subi r5, r5, #1
        bnez r5, wcopy
        la r14, wdst
        trap #3
        addi r14, r0, #10
        trap #2
        halt
        .data
src:    .asciiz "The quick brown fox jumps over the lazy dog"
dst:    .space 64
        .align 2
words:  .ascii "DLX copies words"
        .word 0
wdst:   .space 20
