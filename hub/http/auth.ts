// Bearer authentication for devices (their enrollment token) and for administrators (the hub's admin secret).
import type { FastifyRequest } from 'fastify';
import type { HubDatabase } from '../db/open-database.ts';
import { findDeviceByTokenHash, touchDevice, type DeviceRow } from '../org/org-repo.ts';
import { hashToken, sameSecret } from '../org/tokens.ts';
import { HubError } from './hub-error.ts';

export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{16,300})$/.exec(header ?? '');
  return match?.[1];
}

export function requireDevice(db: HubDatabase, request: FastifyRequest, now: Date): DeviceRow {
  const token = bearerToken(request);
  if (!token) throw new HubError('unauthorized', 'device token required');
  const device = findDeviceByTokenHash(db, hashToken(token));
  if (!device) throw new HubError('unauthorized', 'unknown device token');
  if (device.revoked_at) throw new HubError('device_revoked', 'this device was revoked by the hub administrator');
  touchDevice(db, device.id, now);
  return device;
}

export function requireAdmin(request: FastifyRequest, adminToken: string) {
  const token = bearerToken(request);
  if (!token || !sameSecret(token, adminToken)) throw new HubError('unauthorized', 'admin token required');
}
