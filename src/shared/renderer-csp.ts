// The part of the renderer's Content-Security-Policy that only works as an HTTP header: browsers ignore (and log an
// error for) frame-ancestors in a <meta> tag. Electron's main process and the static server (vite preview) send it.
export const RENDERER_HEADER_CSP = "frame-ancestors 'none'";
