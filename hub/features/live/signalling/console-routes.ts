// Serves the lead console page. Its script is bundled from hub/features/live/console/ with esbuild on first request (a dev tool
// already in the repo), so the hub needs no separate build step; without esbuild the page says so.
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const ENTRY = fileURLToPath(new URL('../console/lead-console.ts', import.meta.url));

const PAGE = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>主讲教室控制台</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; font: 18px 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif; background: #f4f6f8; color: #1d2733; }
  header { display: flex; gap: 16px; align-items: baseline; flex-wrap: wrap; padding: 12px 24px; background: #fff; border-bottom: 1px solid #d9dee5; }
  main { display: grid; grid-template-columns: 2fr 1fr; gap: 16px; padding: 16px 24px; }
  section { background: #fff; border-radius: 12px; padding: 16px; }
  button, input, select, textarea { font: inherit; min-height: 48px; border-radius: 12px; border: 1px solid #d9dee5; padding: 0 16px; }
  textarea { width: 100%; box-sizing: border-box; padding: 8px 16px; }
  button { background: #1565c0; color: #fff; border-color: #1565c0; font-weight: 600; }
  button.small { min-height: 48px; padding: 0 12px; margin-left: 8px; }
  button#end { background: #c62828; border-color: #c62828; }
  button:disabled { opacity: 0.5; }
  video { width: 100%; background: #000; border-radius: 12px; aspect-ratio: 16 / 9; }
  .previews { display: grid; grid-template-columns: 1fr 2fr; gap: 8px; }
  #status { font-weight: 700; color: #c62828; } #notice { color: #8a4b00; } #recording { color: #2e7d32; }
  form, .row { display: flex; gap: 8px; flex-wrap: wrap; margin-bottom: 12px; }
  li { padding: 6px 0; border-bottom: 1px solid #eee; }
  #returns { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 8px; }
  .return-tile { margin: 0; } .return-tile figcaption { font-size: 0.85rem; }
  #quiz-choices input { width: 10em; } table { border-collapse: collapse; width: 100%; } td, th { border-bottom: 1px solid #eee; padding: 6px; text-align: left; }
  .quiz-prompt { font-size: 1.3rem; font-weight: 700; } tr[data-total] { font-weight: 700; }
</style></head>
<body>
<header><strong>主讲教室控制台</strong><span id="lesson-title"></span><span id="status">未连接</span><span id="recording" data-testid="recording"></span><span id="notice" role="status"></span></header>
<main>
  <section>
    <form id="login"><input id="lesson" aria-label="课程编号" placeholder="课程编号"><input id="token" type="password" aria-label="控制台口令" placeholder="控制台口令"><button>连接</button></form>
    <div class="row"><button id="start" disabled>开始直播（摄像头+麦克风）</button><button id="courseware" disabled>共享课件（屏幕或窗口）</button><button id="end" disabled>下课</button></div>
    <div class="previews"><video id="preview" muted autoplay playsinline></video><video id="courseware-preview" muted autoplay playsinline></video></div>
    <h2>课堂答题器</h2>
    <div id="quiz-current" data-testid="quiz-current"></div>
    <div class="row"><button id="quiz-close" type="button" disabled>结束答题</button></div>
    <h3>从本课程题库推送</h3><ul id="quiz-bank" data-testid="quiz-bank"></ul>
    <h3>输入新题目</h3>
    <form id="quiz-form">
      <textarea id="quiz-prompt" aria-label="题目" placeholder="题目" rows="2"></textarea>
      <div id="quiz-choices" class="row"><input aria-label="选项A" placeholder="A"><input aria-label="选项B" placeholder="B"><input aria-label="选项C" placeholder="C"><input aria-label="选项D" placeholder="D"></div>
      <label>正确答案 <select id="quiz-answer" aria-label="正确答案"><option value="0">A</option><option value="1">B</option><option value="2">C</option><option value="3">D</option></select></label>
      <button>推送题目</button>
    </form>
  </section>
  <section><h2>接收教室画面</h2><div id="returns" data-testid="returns"></div><h2>举手</h2><ul id="hands" data-testid="hands"></ul><h2>提问</h2><ul id="questions" data-testid="questions"></ul></section>
</main>
<script src="console.js"></script>
</body></html>`;

export function registerConsoleRoutes(app: FastifyInstance) {
  let bundle: Promise<string> | null = null;
  const build = async () => {
    const esbuild = await import('esbuild');
    const out = await esbuild.build({ entryPoints: [ENTRY], bundle: true, format: 'iife', platform: 'browser', target: 'chrome110', write: false, minify: true, logLevel: 'silent' });
    return out.outputFiles[0]?.text ?? '';
  };
  app.get('/v1/live/console', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/v1/live/console.js', async (_request, reply) => {
    bundle ??= build().catch((error: unknown) => {
      bundle = null;
      return `document.getElementById('status').textContent = ${JSON.stringify(`控制台脚本无法构建：${String(error)}`)};`;
    });
    return reply.type('text/javascript; charset=utf-8').send(await bundle);
  });
}
