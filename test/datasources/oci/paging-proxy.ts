// Distribution 2.8 ignores `n` on /tags/list; this loopback proxy pages the real registry's tag list
// the way distribution 3 and Docker Hub do (sorted, `last=` cursor, Link rel="next").
import { startLoopbackServer, send, type LoopbackServer } from '../../http/loopback-server.js';

export async function startPagingProxy(registryUrl: string): Promise<LoopbackServer> {
  return startLoopbackServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy.invalid');
    const upstream = await fetch(`${registryUrl}${url.pathname}`, {
      method: req.method ?? 'GET',
      headers: { accept: req.headers.accept ?? '*/*' },
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    const headers = Object.fromEntries([...upstream.headers].filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding'));
    if (!url.pathname.endsWith('/tags/list') || upstream.status !== 200) return send(res, upstream.status, body, headers);
    const all = ((JSON.parse(body.toString()) as { tags: string[] }).tags ?? []).sort();
    const n = Number(url.searchParams.get('n') ?? all.length);
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : all.findIndex((t) => t > last);
    const page = start === -1 ? [] : all.slice(start, start + n);
    const more = start !== -1 && start + n < all.length;
    const link: Record<string, string> = more ? { link: `<${url.pathname}?last=${encodeURIComponent(page[page.length - 1]!)}&n=${n}>; rel="next"` } : {};
    send(res, 200, JSON.stringify({ name: url.pathname.slice(4, -'/tags/list'.length), tags: page }), { ...headers, ...link });
  });
}
