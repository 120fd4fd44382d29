// The chain database: LevelDB (ledger's classic-level adapter) in the node's data directory.
export { levelStore } from '@atmosphere/ledger/level'
