// Minimal pcap writer (LINKTYPE_RAW IPv4/TCP) so Wireshark's dissectors can read what att-wire writes.

function ipChecksum(header: Uint8Array): number {
  let sum = 0
  for (let i = 0; i < header.length; i += 2) sum += (header[i]! << 8) | header[i + 1]!
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

export interface Segment {
  /** true: client (port 50000) → server (port 3389). */
  readonly fromClient: boolean
  readonly payload: Uint8Array
}

/** One TCP connection on port 3389 carrying `segments`, with consistent sequence numbers. */
export function pcapOfTcp(segments: readonly Segment[]): Uint8Array {
  const parts: Uint8Array[] = []
  const global = new DataView(new ArrayBuffer(24))
  global.setUint32(0, 0xa1b2c3d4, true)
  global.setUint16(4, 2, true)
  global.setUint16(6, 4, true)
  global.setUint32(16, 65535, true)
  global.setUint32(20, 101, true) // LINKTYPE_RAW
  parts.push(new Uint8Array(global.buffer))
  const seq = { client: 1000, server: 5000 }
  let time = 1
  for (const s of segments) {
    const length = 40 + s.payload.length
    const packet = new Uint8Array(length)
    const dv = new DataView(packet.buffer)
    dv.setUint8(0, 0x45)
    dv.setUint16(2, length)
    dv.setUint16(6, 0x4000)
    dv.setUint8(8, 64)
    dv.setUint8(9, 6)
    packet.set([127, 0, 0, 1], 12)
    packet.set([127, 0, 0, 1], 16)
    dv.setUint16(10, ipChecksum(packet.subarray(0, 20)))
    dv.setUint16(20, s.fromClient ? 50000 : 3389)
    dv.setUint16(22, s.fromClient ? 3389 : 50000)
    dv.setUint32(24, s.fromClient ? seq.client : seq.server)
    dv.setUint32(28, s.fromClient ? seq.server : seq.client)
    dv.setUint8(32, 5 << 4)
    dv.setUint8(33, 0x18) // PSH | ACK
    dv.setUint16(34, 65535)
    packet.set(s.payload, 40)
    if (s.fromClient) seq.client += s.payload.length
    else seq.server += s.payload.length
    const record = new DataView(new ArrayBuffer(16))
    record.setUint32(0, time++, true)
    record.setUint32(8, length, true)
    record.setUint32(12, length, true)
    parts.push(new Uint8Array(record.buffer), packet)
  }
  return Uint8Array.from(Buffer.concat(parts))
}
