// A lean tus 1.0.0 client for the upload benchmark: one creation request, then PATCH chunks streamed from disk
// (no file held in memory, no dependencies), over one keep-alive connection.
//   node tus-upload.mjs ENDPOINT TOKEN FILE [CHUNK_MIB]
// Prints one JSON line: {"bytes", "seconds", "chunks", "episode"}. "seconds" runs from the creation request to the
// last PATCH's answer, which the server gives once the file is stored as the episode's source.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const [endpoint, token, file, chunkMib = '64'] = process.argv.slice(2);
if (!endpoint || !token || !file) {
  console.error('usage: node tus-upload.mjs ENDPOINT TOKEN FILE [CHUNK_MIB]');
  process.exit(2);
}

const size = fs.statSync(file).size;
const chunkSize = Number(chunkMib) * 1024 * 1024;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const common = { 'Tus-Resumable': '1.0.0', Authorization: `Bearer ${token}` };

function send(method, url, headers, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method, agent, headers: { ...common, ...headers } }, (response) => {
      const parts = [];
      response.on('data', (part) => parts.push(part));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, body: Buffer.concat(parts).toString() }));
    });
    request.on('error', reject);
    if (body) {
      body.on('error', reject);
      body.pipe(request);
    } else {
      request.end();
    }
  });
}

const started = process.hrtime.bigint();
const created = await send('POST', endpoint, {
  'Upload-Length': String(size),
  'Upload-Metadata': `filename ${Buffer.from(path.basename(file)).toString('base64')}`,
  'Content-Length': '0',
});
if (created.status !== 201) {
  console.error(`creation failed: ${created.status} ${created.body}`);
  process.exit(1);
}

const location = new URL(created.headers.location, endpoint);
let offset = 0;
let chunks = 0;
while (offset < size) {
  const end = Math.min(offset + chunkSize, size);
  const patched = await send('PATCH', location, {
    'Content-Type': 'application/offset+octet-stream',
    'Upload-Offset': String(offset),
    'Content-Length': String(end - offset),
  }, fs.createReadStream(file, { start: offset, end: end - 1, highWaterMark: 1024 * 1024 }));
  if (patched.status !== 204 || Number(patched.headers['upload-offset']) !== end) {
    console.error(`PATCH at ${offset} failed: ${patched.status} ${patched.headers['upload-offset']} ${patched.body}`);
    process.exit(1);
  }
  offset = end;
  chunks += 1;
}

const seconds = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
console.log(JSON.stringify({ bytes: size, seconds, chunks, episode: created.headers['airwave-episode-id'] }));
