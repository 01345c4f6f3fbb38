import { createCipheriv, createDecipheriv } from 'node:crypto';

/** BTHome v2 AES-128-CCM: 4-byte MIC, nonce = MAC ‖ UUID (little-endian) ‖ device-info byte ‖ counter. */
const MIC_LENGTH = 4;
const UUID_LE = Buffer.from([0xd2, 0xfc]);

export function bthomeNonce(mac: Buffer, deviceInfo: number, counter: Buffer): Buffer {
  return Buffer.concat([mac, UUID_LE, Buffer.from([deviceInfo]), counter]);
}

/** The plaintext, or undefined when the MIC does not authenticate (wrong key, or a tampered advert). */
export function bthomeDecrypt(key: Buffer, nonce: Buffer, ciphertext: Buffer, mic: Buffer): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-128-ccm', key, nonce, { authTagLength: MIC_LENGTH });
    decipher.setAuthTag(mic);
    const plain = decipher.update(ciphertext);
    decipher.final();
    return plain;
  } catch {
    return undefined;
  }
}

/** The emulated world's side: what an encrypting BTHome sensor puts on air. */
export function bthomeEncrypt(key: Buffer, nonce: Buffer, plaintext: Buffer): { ciphertext: Buffer; mic: Buffer } {
  const cipher = createCipheriv('aes-128-ccm', key, nonce, { authTagLength: MIC_LENGTH });
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, mic: cipher.getAuthTag() };
}

export function macBytes(address: string): Buffer {
  return Buffer.from(address.replace(/[:-]/g, ''), 'hex');
}
