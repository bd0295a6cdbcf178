// suiji-verify-js BUNDLE [--key KEY] [--json] [--no-drand]: the browser verifier under Node.
// KEY is the verifier key text or a file holding it. Exit 0: every check held; 1: a check
// failed; 2: usage error or unreadable input.
import { readFileSync, existsSync } from 'node:fs';
import { verifyBundle } from './verify';
import { renderReportText } from './render';

const USAGE = '用法 (usage): suiji-verify-js BUNDLE [--key VERIFIER_KEY|KEY_FILE] [--json] [--no-drand] [--root-key ROOT_KEY_ID]\n';

export async function main(argv: string[]): Promise<number> {
  let file: string | null = null;
  let key = '';
  let json = false;
  let checkDrand = true;
  let rootKeyId: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--key') {
      if (i + 1 >= argv.length) {
        process.stderr.write(`--key 缺少值\n${USAGE}`);
        return 2;
      }
      key = argv[++i];
    } else if (a.startsWith('--key=')) key = a.slice(6);
    else if (a === '--root-key') {
      if (i + 1 >= argv.length || !/^[0-9a-f]{16}$/.test(argv[i + 1])) {
        process.stderr.write(`--root-key 需要 16 位十六进制的密钥编号\n${USAGE}`);
        return 2;
      }
      rootKeyId = argv[++i];
    }
    else if (a === '--json') json = true;
    else if (a === '--no-drand') checkDrand = false;
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE);
      return 0;
    } else if (a.startsWith('-')) {
      process.stderr.write(`未知选项 (unknown option) ${a}\n${USAGE}`);
      return 2;
    } else if (file === null) file = a;
    else {
      process.stderr.write(`多余的参数 (extra argument) ${a}\n${USAGE}`);
      return 2;
    }
  }
  if (file === null) {
    process.stderr.write(USAGE);
    return 2;
  }
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    process.stderr.write(`无法读取 ${file}: ${(e as Error).message}\n`);
    return 2;
  }
  if (key !== '' && !key.includes('+') && existsSync(key)) key = readFileSync(key, 'utf8').trim();
  const report = await verifyBundle(bytes, key, undefined, { checkDrand, rootKeyId });
  if (json) process.stdout.write(JSON.stringify(report, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), 1) + '\n');
  else process.stdout.write(renderReportText(report));
  return report.ok ? 0 : 1;
}
