// 管理员: what school IT needs on the phone with the county — device, storage, sync, network, versions, updates — and a
// diagnostics zip to send. Behind the IT PIN (pin-gate.tsx).
import { useState } from 'react';
import { PinGate } from './pin-gate.tsx';
import { AdminPanel } from './admin-panel.tsx';
import './admin.css';

export function AdminScreen() {
  const [unlocked, setUnlocked] = useState(false);
  if (!unlocked) return <PinGate storage={window.localStorage} onUnlock={() => setUnlocked(true)} />;
  return <AdminPanel />;
}
