/**
 * Serves the Custom UI resource (static/admin/build) the way Jira embeds it,
 * with a small bridge shim in place of the host page: `window.__bridge.callBridge`
 * answers the calls @forge/bridge makes (`invoke`, `getContext`, `navigate`,
 * `getUrl`, `reload`, `enableTheming`, `showFlag` …), so the real @forge/bridge
 * in the page runs unchanged.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
};

export const contentType = (file: string) => CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream';

export interface PageContext {
  moduleKey: string;
  extension: Record<string, unknown>;
  accountId: string;
  cloudId: string;
  siteUrl: string;
  /** The user's Jira theme (`?theme=dark` on a page); `view.theme.enable()` applies it. */
  colorMode?: 'light' | 'dark';
  /** The "acting as" bar: who the page acts as, and whom the switcher offers. */
  actingAs?: { label: string; users: Array<{ accountId: string; alias: string; label: string }> };
}

/**
 * The design-token CSS Jira puts in a Custom UI frame once the app calls
 * `view.theme.enable()`, with `data-color-mode` / `data-theme` on <html>: the
 * same artifacts @atlaskit/tokens ships (a dev dependency). Missing = the
 * page keeps its light fallbacks, as on a host without theming.
 */
function themeCss(mode: 'light' | 'dark'): string {
  try {
    const load = createRequire(__filename);
    const loaded: unknown = load(`@atlaskit/tokens/dist/cjs/artifacts/themes/atlassian-${mode}.js`);
    const css = typeof loaded === 'object' && loaded !== null && 'default' in loaded ? loaded.default : undefined;
    return typeof css === 'string' ? css : '';
  } catch {
    return '';
  }
}

/** The shim runs before the bundle; it must stay dependency-free ES2017 so any browser runs it. */
function shim(context: PageContext): string {
  const forgeContext = {
    accountId: context.accountId,
    accountType: 'licensed',
    cloudId: context.cloudId,
    siteUrl: context.siteUrl,
    localId: `ari:cloud:ecosystem::extension/local/${context.moduleKey}`,
    moduleKey: context.moduleKey,
    environmentId: 'local',
    environmentType: 'DEVELOPMENT',
    locale: 'en-US',
    timezone: 'UTC',
    theme: { colorMode: context.colorMode ?? 'light' },
    extension: context.extension,
  };
  // JSON inside <script>: escape `<` so a value can never close the tag.
  const data = JSON.stringify(forgeContext).replace(/</g, '\\u003c');
  const tokens = JSON.stringify(themeCss(context.colorMode ?? 'light')).replace(/</g, '\\u003c');
  const acting = JSON.stringify(context.actingAs ?? null).replace(/</g, '\\u003c');
  return `<script>(function(){
var CONTEXT=${data};
var TOKENS=${tokens};
var ACTING=${acting};
var SITE=CONTEXT.siteUrl;
function localPage(path){var u=new URL(path,window.location.href);u.searchParams.set('as',CONTEXT.accountId);if(CONTEXT.theme.colorMode==='dark'){u.searchParams.set('theme','dark');}return u.pathname+u.search;}
function jiraUrl(loc){
  if(typeof loc==='string'){if(loc.indexOf('/admin')===0||loc.indexOf('/project-settings')===0){return localPage(loc);}return loc.charAt(0)==='/'&&loc.indexOf('/jira')!==0?SITE+loc:loc;}
  if(loc&&loc.url){return jiraUrl(loc.url);}
  if(loc&&loc.target==='issue'&&loc.issueKey){return SITE+'/browse/'+encodeURIComponent(loc.issueKey);}
  if(loc&&loc.target==='projectSettingsDetails'&&loc.projectKey){return localPage('/project-settings/'+encodeURIComponent(loc.projectKey));}
  if(loc&&loc.target==='module'&&loc.moduleKey){return localPage('/admin');}
  return SITE;
}
function actingBar(){
  if(!ACTING||document.getElementById('local-acting-as')){return;}
  var bar=document.createElement('div');bar.id='local-acting-as';bar.setAttribute('role','region');bar.setAttribute('aria-label','Local runtime');
  bar.style.cssText='display:flex;gap:8px;align-items:center;flex-wrap:wrap;padding:6px 24px;background:#172b4d;color:#ffffff;font:13px/20px ui-sans-serif,-apple-system,"Segoe UI",Roboto,sans-serif';
  var text=document.createElement('span');text.textContent='Local runtime: acting as ';
  var who=document.createElement('strong');who.setAttribute('data-testid','acting-as');who.textContent=ACTING.label;text.appendChild(who);
  var label=document.createElement('label');label.htmlFor='local-act-as';label.textContent='Switch to';label.style.cssText='margin-left:12px;color:#ffffff;font-weight:400;font-size:13px;display:inline';
  var select=document.createElement('select');select.id='local-act-as';select.style.cssText='background:#ffffff;color:#172b4d;border:1px solid #8590a2;border-radius:3px;padding:2px 4px;min-height:24px';
  ACTING.users.forEach(function(u){var o=document.createElement('option');o.value=u.alias;o.textContent=u.label;if(u.accountId===CONTEXT.accountId){o.selected=true;}select.appendChild(o);});
  select.addEventListener('change',function(){var u=new URL(window.location.href);u.searchParams.set('as',select.value);window.location.assign(u.pathname+u.search);});
  bar.appendChild(text);bar.appendChild(label);bar.appendChild(select);
  document.body.insertBefore(bar,document.body.firstChild);
}
if(document.readyState==='loading'){document.addEventListener('DOMContentLoaded',actingBar);}else{actingBar();}
function toast(text){try{var d=document.createElement('div');d.textContent=text;d.setAttribute('role','status');d.style.cssText='position:fixed;right:16px;bottom:16px;padding:8px 12px;background:#172b4d;color:#fff;border-radius:4px;z-index:99999;font:14px sans-serif';document.body.appendChild(d);setTimeout(function(){d.remove();},4000);}catch(e){}}
window.__bridge={callBridge:function(name,payload){
  switch(name){
    case 'invoke':
      return fetch('/bridge/invoke',{method:'POST',credentials:'same-origin',headers:{'content-type':'application/json','x-local-account-id':CONTEXT.accountId},
        body:JSON.stringify({functionKey:payload.functionKey,payload:payload.payload,context:{moduleKey:CONTEXT.moduleKey,extension:CONTEXT.extension}})})
      .then(function(r){return r.text().then(function(t){
        var body=t?JSON.parse(t):undefined;
        if(!r.ok){throw new Error(body&&body.error&&body.error.message||('invoke failed: '+r.status));}
        return payload.metadata!==undefined?{body:body,metadata:{}}:body;});});
    case 'getContext': return Promise.resolve(JSON.parse(JSON.stringify(CONTEXT)));
    case 'navigate':
      var url=jiraUrl(payload);
      if(payload&&payload.type==='new-tab'){window.open(url,'_blank');}else{window.location.assign(url);}
      return Promise.resolve();
    case 'getUrl': return Promise.resolve(new URL(jiraUrl(payload),window.location.href).toString());
    case 'reload': window.location.reload(); return Promise.resolve();
    case 'refresh': window.location.reload(); return Promise.resolve();
    case 'enableTheming':
      if(TOKENS&&!document.getElementById('ds-tokens')){var st=document.createElement('style');st.id='ds-tokens';st.textContent=TOKENS;document.head.appendChild(st);}
      document.documentElement.setAttribute('data-color-mode',CONTEXT.theme.colorMode); document.documentElement.setAttribute('data-theme','light:light dark:dark spacing:spacing typography:typography'); return Promise.resolve();
    case 'showFlag': toast((payload&&(payload.title||payload.description))||''); return Promise.resolve({});
    case 'closeFlag': return Promise.resolve();
    case 'changeWindowTitle': if(payload&&payload.title){document.title=payload.title;} return Promise.resolve();
    case 'emitReadyEvent': return Promise.resolve();
    case 'on': case 'onPublic': return Promise.resolve(function(){});
    case 'emit': case 'emitPublic': return Promise.resolve();
    default: if(window.console){console.warn('[local bridge] unsupported call: '+name);} return Promise.resolve(undefined);
  }
}};
})();</script>`;
}

export function renderPage(buildDir: string, context: PageContext): { status: number; html: string } {
  const indexFile = path.join(buildDir, 'index.html');
  if (!fs.existsSync(indexFile)) {
    return {
      status: 503,
      html: `<!doctype html><meta charset="utf-8"><title>Backline: admin UI not built</title>
<body style="font:16px sans-serif;max-width:40em;margin:3em auto">
<h1>The admin page is not built yet</h1>
<p>The Custom UI resource <code>static/admin/build</code> is missing. Build it with</p>
<pre>npm run build:ui</pre>
<p>then reload this page. (<code>npm start</code> builds it automatically when <code>static/admin/vite.config.ts</code> exists.)</p>
</body>`,
    };
  }
  const html = fs.readFileSync(indexFile, 'utf8');
  const tag = shim(context);
  // Before any script of the page, so @forge/bridge finds __bridge at import.
  const at = html.search(/<head[^>]*>/i);
  const injected = at >= 0 ? html.replace(/<head[^>]*>/i, (m) => `${m}${tag}`) : tag + html;
  return { status: 200, html: injected };
}

/**
 * A static asset of the build for a request path. Vite builds for Forge use
 * relative URLs (`./assets/x.js`), so the same file is asked for below
 * `/admin/`, `/project-settings/` or the root depending on the page.
 */
export function findAsset(buildDir: string, urlPath: string): string | undefined {
  const decoded = decodeURIComponent(urlPath);
  const candidates = [decoded, decoded.replace(/^\/admin\//, '/'), decoded.replace(/^\/project-settings\/(?:[A-Z][A-Z0-9_]*\/)?/, '/')];
  for (const candidate of candidates) {
    const file = path.normalize(path.join(buildDir, candidate));
    if (!file.startsWith(buildDir + path.sep)) continue; // no escaping the build directory
    if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
  }
  return undefined;
}
