// A static file server on 127.0.0.1 for the built deck, so that every request the page makes can be checked.
import type { AddressInfo } from 'node:net'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer } from 'node:http'
import { extname, join, normalize } from 'node:path'

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.pdf': 'application/pdf',
}

export interface StaticServer {
  url: string
  close: () => Promise<void>
}

/**
 * Serves `root` under the path `base` (`/courses/wd/` as a course site would be) as a plain static host does: a file
 * that is not there is a 404, never index.html (hash routing needs no fallback). `headers` go with every response
 * (e.g. a Content-Security-Policy).
 */
export async function serveStatic(root: string, headers: Record<string, string> = {}, base = '/'): Promise<StaticServer> {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url ?? '/', 'http://x').pathname))
    let file = path.startsWith(base) ? join(root, path.slice(base.length)) : ''
    if (file && existsSync(file) && statSync(file).isDirectory())
      file = join(file, 'index.html')
    if (!file || !file.startsWith(root) || !existsSync(file)) {
      response.writeHead(404, { ...headers, 'content-type': 'text/plain' })
      response.end('Not found')
      return
    }
    response.writeHead(200, { ...headers, 'content-type': types[extname(file)] ?? 'application/octet-stream' })
    createReadStream(file).pipe(response)
  })
  await new Promise<void>(done => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    /** The site's address, without the trailing slash of `base`. */
    url: `http://127.0.0.1:${port}${base.replace(/\/$/, '')}`,
    close: () => new Promise(done => server.close(() => done())),
  }
}
