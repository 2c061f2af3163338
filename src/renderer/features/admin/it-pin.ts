// The IT PIN that guards the 管理员 page: set once by school IT on this PC, stored only as a salted SHA-256, so pupils
// poking at the touch board cannot re-enroll the classroom or change the update channel.
const KEY = 'ykt.itPin';

export const PIN_PATTERN = /^\d{4,8}$/;

async function digest(pin: string, salt: string): Promise<string> {
  const bytes = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(`${salt}:${pin}`));
  return Array.from(new Uint8Array(bytes), (b) => b.toString(16).padStart(2, '0')).join('');
}

function stored(storage: Storage): { salt: string; hash: string } | null {
  try {
    const value = JSON.parse(storage.getItem(KEY) ?? 'null') as { salt?: unknown; hash?: unknown } | null;
    return typeof value?.salt === 'string' && typeof value.hash === 'string' ? { salt: value.salt, hash: value.hash } : null;
  } catch {
    return null;
  }
}

export const hasItPin = (storage: Storage) => stored(storage) !== null;

export async function setItPin(storage: Storage, pin: string): Promise<void> {
  if (!PIN_PATTERN.test(pin)) throw new Error('PIN must be 4–8 digits');
  const salt = crypto.randomUUID();
  storage.setItem(KEY, JSON.stringify({ salt, hash: await digest(pin, salt) }));
}

export async function checkItPin(storage: Storage, pin: string): Promise<boolean> {
  const value = stored(storage);
  return value !== null && (await digest(pin, value.salt)) === value.hash;
}
