// The teacher PIN that unlocks 学生模式. Only a salted PBKDF2 hash is kept (Dexie meta), never the PIN: the PC is
// shared with pupils and a 4–6 digit PIN read off the disk would open every teacher screen. PBKDF2 makes each guess
// against a copied database cost ~100k hashes; the wrong-PIN lockout (pin-lockout.ts) is what guards the keypad.
export const TEACHER_PIN_PATTERN = /^\d{4,6}$/;
export const PIN_ITERATIONS = 100_000;

export type TeacherPinHash = { salt: string; hash: string; iterations: number };

const hex = (bytes: ArrayBuffer | Uint8Array) => Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');

async function derive(pin: string, salt: string, iterations: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(pin), 'PBKDF2', false, ['deriveBits']);
  const bits = await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt: new TextEncoder().encode(salt), iterations }, key, 256);
  return hex(bits);
}

export async function hashTeacherPin(pin: string, iterations = PIN_ITERATIONS): Promise<TeacherPinHash> {
  if (!TEACHER_PIN_PATTERN.test(pin)) throw new Error('teacher PIN must be 4–6 digits');
  const salt = hex(crypto.getRandomValues(new Uint8Array(16)));
  return { salt, hash: await derive(pin, salt, iterations), iterations };
}

export async function verifyTeacherPin(pin: string, stored: TeacherPinHash): Promise<boolean> {
  if (!TEACHER_PIN_PATTERN.test(pin)) return false;
  const candidate = await derive(pin, stored.salt, stored.iterations);
  // Compared in full whatever differs first: how long the check takes says nothing about the stored hash.
  let diff = candidate.length ^ stored.hash.length;
  for (let i = 0; i < candidate.length; i++) diff |= candidate.charCodeAt(i) ^ (stored.hash.charCodeAt(i) || 0);
  return diff === 0;
}
