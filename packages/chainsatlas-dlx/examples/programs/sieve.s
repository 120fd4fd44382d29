; sieve.s: sieve of Eratosthenes. Reads N (TRAP 4), counts the primes <= N and prints the count.
; The flag bytes live from label `flags` (end of the image) upward: N + 1 bytes of memory are needed.
        .text
main:   trap #4                 ; r1 = N
        add r10, r1, r0         ; r10 = N
        la r2, flags
        addi r9, r0, #1         ; constant 1
        addi r3, r0, #0
clear:  sgt r4, r3, r10
        bnez r4, cleared
        add r5, r2, r3
        sb 0(r5), r0
        addi r3, r3, #1
        j clear
cleared:
        addi r6, r0, #0         ; count
        addi r3, r0, #2         ; i
outer:  sgt r4, r3, r10
        bnez r4, done
        add r5, r2, r3
        lbu r7, 0(r5)
        bnez r7, next
        addi r6, r6, #1         ; i is prime
        sgtui r4, r3, #46340    ; i * i would overflow (and exceeds any N < 2^31)
        bnez r4, next
        mult r8, r3, r3         ; j = i * i
inner:  sgt r4, r8, r10
        bnez r4, next
        add r5, r2, r8
        sb 0(r5), r9
        add r8, r8, r3
        j inner
next:   addi r3, r3, #1
        j outer
done:   add r14, r6, r0
        trap #1
        addi r14, r0, #10
        trap #2
        trap #0
        .data
flags:  .space 4
