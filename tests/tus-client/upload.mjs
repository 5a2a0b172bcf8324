// Uploads FILE to Airwave with tus-js-client, the reference tus client.
//   node upload.mjs ENDPOINT TOKEN FILE [UPLOAD_URL]
// With UPLOAD_URL it resumes that upload (HEAD, then PATCH from the server's offset).
// Prints "url <upload url>", "episode <id>", "progress <sent> <total>" and finally "done".
import fs from 'node:fs';
import { Upload } from 'tus-js-client';

const [endpoint, token, file, uploadUrl] = process.argv.slice(2);
const data = fs.readFileSync(file);

const upload = new Upload(data, {
  endpoint,
  uploadUrl: uploadUrl || null,
  chunkSize: 64 * 1024,
  retryDelays: [],
  headers: { Authorization: `Bearer ${token}` },
  metadata: { filename: file.split('/').pop() },
  onUploadUrlAvailable() {
    console.log(`url ${upload.url}`);
  },
  onAfterResponse(request, response) {
    const episode = response.getHeader('Airwave-Episode-Id');
    if (episode) console.log(`episode ${episode}`);
  },
  onProgress(sent, total) {
    console.log(`progress ${sent} ${total}`);
  },
  onSuccess() {
    console.log('done');
  },
  onError(error) {
    console.error(`error ${error}`);
    process.exit(1);
  },
});
upload.start();
