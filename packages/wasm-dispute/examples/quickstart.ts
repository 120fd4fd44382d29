// Quickstart: run one call in both modes, then settle a dispute with the verification game.
import {
  compileModule,
  instantiate,
  invoke,
  NormalInstance,
  NormalModule,
  playGame,
  ReplayExecutor,
  runToEnd,
  StateHasher,
  stepContext,
  value,
} from '../src/index.js'
import { workModule } from './programs.js'

const compiled = compileModule(workModule())
const args = [value('i32', 100)]
const gasLimit = 1_000_000n

// Dispute mode: the stepping interpreter, hashed incrementally.
const machine = invoke(instantiate(compiled), 'work', args, { gasLimit })
const hasher = new StateHasher(machine)
runToEnd(machine)

// Normal mode: the instrumented module on the platform engine.
const normal = new NormalInstance(new NormalModule(compiled)).invoke('work', args, gasLimit)

console.log('instructions', machine.icount, normal.icount)
console.log('gas', machine.gasUsed, normal.gasUsed)
console.log('same state hash', Buffer.from(hasher.hash()).equals(Buffer.from(normal.stateHash ?? [])))

// A challenger whose memory write at step 500 is wrong loses the bisection game.
const factory = () => invoke(instantiate(compiled), 'work', args, { gasLimit })
const ctx = stepContext(instantiate(compiled))
const transcript = playGame(
  ctx,
  new ReplayExecutor('honest', factory, ctx),
  new ReplayExecutor('faulty', factory, ctx, { kind: 'memory', step: 500 }),
  { initialHash: new StateHasher(factory()).hash() },
)
console.log(transcript.winner, 'after', transcript.rounds.length, 'rounds; judged step', transcript.judge?.step)
