// Synthetic Debian, distroless and Alpine images whose layers carry real-format package databases.
import { join } from 'node:path';
import { pushImage, type FileMap, type ImageSpec, type PushedImage } from '../support/oci-push.js';
import { tempCheckout } from '../support/temp-dir.js';

export interface Pkg {
  name: string;
  version: string;
  /** `openssl` or `openssl (3.0.11-1~deb12u2)`. */
  source?: string;
  status?: string;
}

export function dpkgStatus(pkgs: Pkg[]): string {
  return pkgs
    .map((p) =>
      [
        `Package: ${p.name}`,
        `Status: ${p.status ?? 'install ok installed'}`,
        'Priority: optional',
        'Architecture: amd64',
        ...(p.source ? [`Source: ${p.source}`] : []),
        `Version: ${p.version}`,
        'Description: a package',
        ' with a continuation line',
        ' .',
        ' and another paragraph',
      ].join('\n'),
    )
    .join('\n\n') + '\n';
}

export function apkInstalled(pkgs: { name: string; version: string; origin?: string }[]): string {
  return pkgs
    .map((p) => [`C:Q1abc=`, `P:${p.name}`, `V:${p.version}`, 'A:x86_64', `o:${p.origin ?? p.name}`, 'p:so:libfoo.so.1=1', 'F:usr/lib', 'R:libfoo.so.1'].join('\n'))
    .join('\n\n') + '\n\n';
}

export const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n';
export const ALPINE_320 = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.3\n';

/** A two-layer Debian image: os-release and dpkg status in the base, an app file on top. */
export function debianImage(registryUrl: string, repo: string, tag: string | undefined, pkgs: Pkg[], extra: ImageSpec = {}): Promise<PushedImage> {
  const base: FileMap = { 'etc/os-release': DEBIAN_12, 'var/lib/dpkg/status': dpkgStatus(pkgs) };
  return pushImage(registryUrl, repo, tag, { files: [base, { 'app/VERSION': `${tag}\n` }], ...extra });
}

/** Distroless style: one status.d file per package (plus md5sums files that are not records). */
export function distrolessImage(registryUrl: string, repo: string, tag: string, pkgs: Pkg[], extra: ImageSpec = {}): Promise<PushedImage> {
  const files: FileMap = { 'etc/os-release': DEBIAN_12 };
  for (const p of pkgs) {
    files[`var/lib/dpkg/status.d/${p.name}`] = dpkgStatus([p]);
    files[`var/lib/dpkg/status.d/${p.name}.md5sums`] = `0123456789abcdef  usr/lib/${p.name}.so\n`;
  }
  return pushImage(registryUrl, repo, tag, { files: [files], ...extra });
}

export function alpineImage(registryUrl: string, repo: string, tag: string, pkgs: { name: string; version: string; origin?: string }[], extra: ImageSpec = {}): Promise<PushedImage> {
  return pushImage(registryUrl, repo, tag, { files: [{ 'etc/os-release': ALPINE_320, 'lib/apk/db/installed': apkInstalled(pkgs) }], ...extra });
}

/** A temp checkout with these files. */
export function checkout(files: Record<string, string>): string {
  return tempCheckout('freshen-insight-', files);
}
