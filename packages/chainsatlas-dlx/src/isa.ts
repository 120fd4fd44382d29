// The DLX instruction set as dlxsim encodes it (opTable / specialTable / FParithTable in dlxsim's sim.c,
// opcodes[] in asm.c), restricted to the integer unit; see docs/dlx.md for every choice.

/** Operand shape of an instruction, which fixes its assembly syntax and its encoding format. */
export type Kind =
  | 'r3' // R-format SPECIAL: rd, rs1, rs2
  | 'md' // R-format FPARITH (opcode 1) integer multiply/divide on GPRs: rd, rs1, rs2
  | 'i3' // I-format: rd, rs1, imm16
  | 'lhi' // I-format: rd, imm16 (rs1 field 0)
  | 'load' // I-format: rd, imm16(rs1)
  | 'store' // I-format: imm16(rs1), rd
  | 'branch' // I-format: rs1, label (pc-relative to pc + 4)
  | 'jump' // J-format: label (pc-relative 26-bit offset to pc + 4)
  | 'jr' // I-format: rs1 (rd and imm16 zero)
  | 'trap' // J-format: 26-bit trap number
  | 'nop' // the all-zero word

export interface InstructionInfo {
  readonly name: string
  readonly kind: Kind
  /** 6-bit primary opcode, bits 31..26. */
  readonly op: number
  /** 6-bit function, bits 5..0 (R-format only). */
  readonly funct: number
  /** For immediates: sign-extended (true) or zero-extended (false). */
  readonly signed: boolean
}

/** Primary opcodes (bits 31..26), dlxsim sim.c opTable order. */
export const OP = {
  SPECIAL: 0x00,
  FPARITH: 0x01,
  J: 0x02,
  JAL: 0x03,
  BEQZ: 0x04,
  BNEZ: 0x05,
  ADDI: 0x08,
  ADDUI: 0x09,
  SUBI: 0x0a,
  SUBUI: 0x0b,
  ANDI: 0x0c,
  ORI: 0x0d,
  XORI: 0x0e,
  LHI: 0x0f,
  TRAP: 0x11,
  JR: 0x12,
  JALR: 0x13,
  SLLI: 0x14,
  SRLI: 0x16,
  SRAI: 0x17,
  SEQI: 0x18,
  SNEI: 0x19,
  SLTI: 0x1a,
  SGTI: 0x1b,
  SLEI: 0x1c,
  SGEI: 0x1d,
  LB: 0x20,
  LH: 0x21,
  LW: 0x23,
  LBU: 0x24,
  LHU: 0x25,
  SB: 0x28,
  SH: 0x29,
  SW: 0x2b,
  SEQUI: 0x30,
  SNEUI: 0x31,
  SLTUI: 0x32,
  SGTUI: 0x33,
  SLEUI: 0x34,
  SGEUI: 0x35,
} as const

/** SPECIAL function codes (bits 5..0), dlxsim sim.c specialTable order. */
export const FN = {
  NOP: 0x00,
  SLL: 0x04,
  SRL: 0x06,
  SRA: 0x07,
  SEQU: 0x10,
  SNEU: 0x11,
  SLTU: 0x12,
  SGTU: 0x13,
  SLEU: 0x14,
  SGEU: 0x15,
  ADD: 0x20,
  ADDU: 0x21,
  SUB: 0x22,
  SUBU: 0x23,
  AND: 0x24,
  OR: 0x25,
  XOR: 0x26,
  SEQ: 0x28,
  SNE: 0x29,
  SLT: 0x2a,
  SGT: 0x2b,
  SLE: 0x2c,
  SGE: 0x2d,
} as const

/** FPARITH (opcode 1) function codes that this machine runs on the integer registers. */
export const FP_FN = {
  MULT: 0x0e,
  DIV: 0x0f,
  MULTU: 0x16,
  DIVU: 0x17,
} as const

/** Trap numbers (low 26 bits of a TRAP word). */
export const TRAP = {
  HALT: 0,
  PUT_INT: 1,
  PUT_CHAR: 2,
  PUT_STRING: 3,
  GET_INT: 4,
  GET_CHAR: 5,
} as const

/** Register conventions. */
export const REG = { ZERO: 0, RESULT: 1, ARG: 14, SP: 29, LINK: 31 } as const

const r = (name: string, funct: number): InstructionInfo => ({ name, kind: 'r3', op: 0, funct, signed: false })
const i = (name: string, op: number, signed: boolean, kind: Kind = 'i3'): InstructionInfo => ({
  name,
  kind,
  op,
  funct: 0,
  signed,
})

/** Every instruction the assembler accepts natively and the simulator executes. */
export const INSTRUCTIONS: readonly InstructionInfo[] = [
  { name: 'nop', kind: 'nop', op: 0, funct: 0, signed: false },
  r('sll', FN.SLL),
  r('srl', FN.SRL),
  r('sra', FN.SRA),
  r('sequ', FN.SEQU),
  r('sneu', FN.SNEU),
  r('sltu', FN.SLTU),
  r('sgtu', FN.SGTU),
  r('sleu', FN.SLEU),
  r('sgeu', FN.SGEU),
  r('add', FN.ADD),
  r('addu', FN.ADDU),
  r('sub', FN.SUB),
  r('subu', FN.SUBU),
  r('and', FN.AND),
  r('or', FN.OR),
  r('xor', FN.XOR),
  r('seq', FN.SEQ),
  r('sne', FN.SNE),
  r('slt', FN.SLT),
  r('sgt', FN.SGT),
  r('sle', FN.SLE),
  r('sge', FN.SGE),
  { name: 'mult', kind: 'md', op: OP.FPARITH, funct: FP_FN.MULT, signed: true },
  { name: 'div', kind: 'md', op: OP.FPARITH, funct: FP_FN.DIV, signed: true },
  { name: 'multu', kind: 'md', op: OP.FPARITH, funct: FP_FN.MULTU, signed: false },
  { name: 'divu', kind: 'md', op: OP.FPARITH, funct: FP_FN.DIVU, signed: false },
  i('j', OP.J, true, 'jump'),
  i('jal', OP.JAL, true, 'jump'),
  i('beqz', OP.BEQZ, true, 'branch'),
  i('bnez', OP.BNEZ, true, 'branch'),
  i('addi', OP.ADDI, true),
  i('addui', OP.ADDUI, false),
  i('subi', OP.SUBI, true),
  i('subui', OP.SUBUI, false),
  i('andi', OP.ANDI, false),
  i('ori', OP.ORI, false),
  i('xori', OP.XORI, false),
  i('lhi', OP.LHI, false, 'lhi'),
  i('trap', OP.TRAP, false, 'trap'),
  i('jr', OP.JR, false, 'jr'),
  i('jalr', OP.JALR, false, 'jr'),
  i('slli', OP.SLLI, false),
  i('srli', OP.SRLI, false),
  i('srai', OP.SRAI, false),
  i('seqi', OP.SEQI, true),
  i('snei', OP.SNEI, true),
  i('slti', OP.SLTI, true),
  i('sgti', OP.SGTI, true),
  i('slei', OP.SLEI, true),
  i('sgei', OP.SGEI, true),
  i('lb', OP.LB, true, 'load'),
  i('lh', OP.LH, true, 'load'),
  i('lw', OP.LW, true, 'load'),
  i('lbu', OP.LBU, true, 'load'),
  i('lhu', OP.LHU, true, 'load'),
  i('sb', OP.SB, true, 'store'),
  i('sh', OP.SH, true, 'store'),
  i('sw', OP.SW, true, 'store'),
  i('sequi', OP.SEQUI, false),
  i('sneui', OP.SNEUI, false),
  i('sltui', OP.SLTUI, false),
  i('sgtui', OP.SGTUI, false),
  i('sleui', OP.SLEUI, false),
  i('sgeui', OP.SGEUI, false),
]

export const BY_NAME: ReadonlyMap<string, InstructionInfo> = new Map(INSTRUCTIONS.map((x) => [x.name, x]))

/** Decoding tables: primary opcode → info (I/J formats), SPECIAL funct → info, FPARITH funct → info. */
export const BY_OP: readonly (InstructionInfo | undefined)[] = Array.from({ length: 64 }, (_, op) =>
  op <= 1 ? undefined : INSTRUCTIONS.find((x) => x.op === op),
)
export const BY_FUNCT: readonly (InstructionInfo | undefined)[] = Array.from({ length: 64 }, (_, f) =>
  INSTRUCTIONS.find((x) => x.kind === 'r3' && x.funct === f),
)
export const BY_FP_FUNCT: readonly (InstructionInfo | undefined)[] = Array.from({ length: 64 }, (_, f) =>
  INSTRUCTIONS.find((x) => x.kind === 'md' && x.funct === f),
)

/** Field extraction, dlxsim sim.c Compile(): rs1 25..21, rs2/I-rd 20..16, R-rd 15..11. */
export const rs1Of = (w: number): number => (w >>> 21) & 31
export const rs2Of = (w: number): number => (w >>> 16) & 31
export const rdOf = (w: number): number => (w >>> 11) & 31
export const imm16Of = (w: number): number => (w << 16) >> 16
export const uimm16Of = (w: number): number => w & 0xffff
export const off26Of = (w: number): number => (w << 6) >> 6

export const encodeR = (op: number, rs1: number, rs2: number, rd: number, funct: number): number =>
  ((op << 26) | (rs1 << 21) | (rs2 << 16) | (rd << 11) | funct) >>> 0
export const encodeI = (op: number, rs1: number, rd: number, imm: number): number =>
  ((op << 26) | (rs1 << 21) | (rd << 16) | (imm & 0xffff)) >>> 0
export const encodeJ = (op: number, off: number): number => ((op << 26) | (off & 0x3ffffff)) >>> 0
