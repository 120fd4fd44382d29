// Sample programs used by the examples, the CLI demo, the tests and the benchmarks.
import { buildModule, op, sleb, uleb } from '../src/builder.js'

const I32 = 0x7f

/**
 * `work(n)`: a loop of n iterations mixing arithmetic and memory traffic:
 * acc = acc * 31 + i; mem[(i * 4) & 0xfffc] = acc; returns acc.
 */
export function workModule(): Uint8Array {
  return buildModule({
    memory: { min: 1, max: 16, export: 'memory' },
    funcs: [
      {
        export: 'work',
        params: [I32],
        results: [I32],
        locals: [I32, I32],
        body: [
          op.block,
          0x40,
          op.loop,
          0x40,
          // if (i >= n) break
          op.local_get,
          1,
          op.local_get,
          0,
          0x4f /* i32.ge_u */,
          op.br_if,
          1,
          // acc = acc * 31 + i
          op.local_get,
          2,
          op.i32_const,
          ...sleb(31),
          op.i32_mul,
          op.local_get,
          1,
          op.i32_add,
          op.local_set,
          2,
          // mem[(i*4) & 0xfffc] = acc
          op.local_get,
          1,
          op.i32_const,
          ...sleb(4),
          op.i32_mul,
          op.i32_const,
          ...sleb(0xfffc),
          op.i32_and,
          op.local_get,
          2,
          op.i32_store,
          2,
          0,
          // i++
          op.local_get,
          1,
          op.i32_const,
          1,
          op.i32_add,
          op.local_set,
          1,
          op.br,
          0,
          op.end,
          op.end,
          op.local_get,
          2,
        ],
      },
    ],
  })
}

/** `fib(n)`: naive recursion, dominated by calls (the worst case for per-call stack accounting). */
export function fibModule(): Uint8Array {
  return buildModule({
    funcs: [
      {
        export: 'fib',
        params: [I32],
        results: [I32],
        body: [
          op.local_get,
          0,
          op.i32_const,
          2,
          op.i32_lt_s,
          op.if,
          I32,
          op.local_get,
          0,
          op.else,
          op.local_get,
          0,
          op.i32_const,
          1,
          op.i32_sub,
          op.call,
          0,
          op.local_get,
          0,
          op.i32_const,
          2,
          op.i32_sub,
          op.call,
          0,
          op.i32_add,
          op.end,
        ],
      },
    ],
  })
}

/**
 * `scatter(n)`: a memory-heavy kernel — n iterations of an xorshift32 step, then a
 * read-modify-write at a pseudo-random address reading a second random word:
 * x ^= x << 13; x ^= x >>> 17; x ^= x << 5; a = x & 0xfffc;
 * mem[a] = mem[a] + mem[(a + 4096) & 0xfffc]; returns x.
 */
export function scatterModule(): Uint8Array {
  const xorshift = (k: number, shift: number) => [
    op.local_get,
    2,
    op.local_get,
    2,
    op.i32_const,
    k,
    shift,
    op.i32_xor,
    op.local_set,
    2,
  ]
  return buildModule({
    memory: { min: 1, max: 16, export: 'memory' },
    funcs: [
      {
        export: 'scatter',
        params: [I32],
        results: [I32],
        locals: [I32, I32, I32],
        body: [
          op.i32_const,
          ...sleb(0x12345678),
          op.local_set,
          2,
          op.block,
          0x40,
          op.loop,
          0x40,
          op.local_get,
          1,
          op.local_get,
          0,
          0x4f /* i32.ge_u */,
          op.br_if,
          1,
          ...xorshift(13, op.i32_shl),
          ...xorshift(17, op.i32_shr_u),
          ...xorshift(5, op.i32_shl),
          op.local_get,
          2,
          op.i32_const,
          ...sleb(0xfffc),
          op.i32_and,
          op.local_tee,
          3,
          op.local_get,
          3,
          op.i32_load,
          2,
          0,
          op.local_get,
          3,
          op.i32_const,
          ...sleb(4096),
          op.i32_add,
          op.i32_const,
          ...sleb(0xfffc),
          op.i32_and,
          op.i32_load,
          2,
          0,
          op.i32_add,
          op.i32_store,
          2,
          0,
          op.local_get,
          1,
          op.i32_const,
          1,
          op.i32_add,
          op.local_set,
          1,
          op.br,
          0,
          op.end,
          op.end,
          op.local_get,
          2,
        ],
      },
    ],
  })
}

/**
 * `mix(n)` over `locals` i32 locals: n iterations of eight `l[c] = l[a] + l[b]` on locals spread
 * across the frame, then returns l[1]. Local writes dominate (9 of every 39 instructions), the
 * case where hashing the locals tree matters.
 */
export function manyLocalsModule(locals = 64): Uint8Array {
  const body: number[] = [op.block, 0x40, op.loop, 0x40, op.local_get, 0, op.i32_eqz, op.br_if, 1]
  for (let k = 0; k < 8; k++) {
    const a = 1 + ((k * 7) % locals)
    const b = 1 + ((k * 13 + 5) % locals)
    const c = 1 + ((k * 29 + 3) % locals)
    body.push(op.local_get, ...uleb(a), op.local_get, ...uleb(b), op.i32_add, op.local_set, ...uleb(c))
  }
  body.push(op.local_get, 0, op.i32_const, 1, op.i32_sub, op.local_set, 0, op.br, 0, op.end, op.end, op.local_get, 1)
  return buildModule({
    funcs: [{ export: 'mix', params: [I32], results: [I32], locals: Array(locals).fill(I32), body }],
  })
}
