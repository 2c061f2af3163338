import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DeviceIdentity } from '../../../shared/ipc.ts';
import { formatBytes } from '../../../shared/format-bytes.ts';
import { runNetworkTest, type NetworkTestResult } from './network-test.ts';

export function NetworkSection({ identity, result, onResult }: { identity: DeviceIdentity; result: NetworkTestResult | null; onResult: (r: NetworkTestResult) => void }) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setError(null);
    try {
      onResult(await runNetworkTest({ hubUrl: identity.hubUrl, token: identity.token, fetch: window.fetch.bind(window), clock: () => performance.now() }));
    } catch (err) {
      setError(t('admin.testFailed', { detail: err instanceof Error ? err.message : String(err) }));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="admin-network">
      <h2 id="admin-network">{t('admin.network')}</h2>
      <div className="admin-actions">
        <button type="button" className="primary" disabled={busy} onClick={() => void run()}>
          {busy ? t('admin.testing') : t('admin.runTest')}
        </button>
      </div>
      {result && (
        <div data-testid="network-result">
          <p className="admin-result">{t('admin.rtt', { ms: result.rttMs })}</p>
          <p className="admin-result">{t('admin.throughput', { mbit: (result.throughputKbit / 1000).toFixed(2), size: formatBytes(result.probeBytes) })}</p>
        </div>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
