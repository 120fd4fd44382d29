import test from 'ava'
import fc from 'fast-check'
import { EMPTY_ROOT, MalformedDataError, MerkleTree, rootFromProof, TREE_DEPTH } from '../src/index.js'

const leaf = (i: number) => Uint8Array.from({ length: 32 }, (_, j) => (i * 31 + j) & 0xff)

test('every leaf, and every empty slot, proves against the root', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 400 }), (n, probe) => {
      const tree = new MerkleTree(Array.from({ length: n }, (_, i) => leaf(i)))
      const index = probe
      const expectedLeaf = index < n ? leaf(index) : new Uint8Array(32)
      t.deepEqual(rootFromProof(expectedLeaf, index, tree.proof(index)), tree.root)
    }),
    { numRuns: 60 },
  )
})

test('a changed leaf or sibling changes the root; the empty tree has the known empty root', (t) => {
  const tree = new MerkleTree([leaf(1), leaf(2), leaf(3)])
  const proof = tree.proof(1)
  t.notDeepEqual(rootFromProof(leaf(9), 1, proof), tree.root)
  const bent = proof.slice()
  bent[40] = (bent[40] as number) ^ 1
  t.notDeepEqual(rootFromProof(leaf(2), 1, bent), tree.root)
  t.deepEqual(new MerkleTree([]).root, EMPTY_ROOT)
  t.is(proof.length, TREE_DEPTH * 32)
  t.throws(() => rootFromProof(leaf(2), 1, proof.subarray(1)), { instanceOf: MalformedDataError })
  t.throws(() => tree.proof(1 << TREE_DEPTH), { instanceOf: MalformedDataError })
})
