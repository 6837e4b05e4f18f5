import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/netcdf/', import.meta.url));
export const IMOS_NRSROT = join(
  FIXTURES,
  'IMOS_ANMN-NRS_TZ_20181213T080000Z_NRSROT_FV00_NRSROT-1812-SBE39-43_END-20181214T004000Z_C-20190827T000000Z.nc',
);

export function fixture(name: string): Uint8Array {
  return readFileSync(join(FIXTURES, name));
}

const tempDirs: string[] = [];

/** A fresh temporary directory, removed by removeTempDirs (call it in afterAll). */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'reeflink-netcdf-'));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

function hasTool(tool: string): boolean {
  try {
    execFileSync(tool, [], { stdio: 'ignore' });
    return true;
  } catch (error) {
    // ncdump with no arguments prints usage and exits non-zero; only ENOENT means absent.
    return (error as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/**
 * Debian's ncdump (netcdf-bin) checks the writer. CI installs it, so there
 * a missing ncdump is an error; elsewhere those tests are skipped.
 */
export const ncdumpAvailable = hasTool('ncdump');
if (!ncdumpAvailable && process.env['CI'] !== undefined) {
  throw new Error('ncdump not found: CI must install netcdf-bin (apt-get install netcdf-bin)');
}

export function ncdump(path: string, ...args: string[]): string {
  return execFileSync('ncdump', [...args, path], { encoding: 'utf8' });
}
