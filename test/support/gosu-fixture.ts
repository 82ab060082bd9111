// The gosu install official images use: a version in ENV, per-architecture sha256 arms in a case block.

/** A 64-hex placeholder checksum the update must replace. */
export const OLD_SUM = (n: number): string => String(n).repeat(64);

/** ENV + RUN downloading gosu 1.17 from `github.com/<repo>` releases, checked with the `OLD_SUM(1|2)` sums. */
export function gosuInstall(repo = 'tianon/gosu'): string {
  return `ENV GOSU_VERSION 1.17
RUN set -eux; \\
	dpkgArch="$(dpkg --print-architecture)"; \\
	case "$dpkgArch" in \\
		amd64) sha256='${OLD_SUM(1)}' ;; \\
		arm64) sha256='${OLD_SUM(2)}' ;; \\
	esac; \\
	curl -fsSL -o /usr/local/bin/gosu "https://github.com/${repo}/releases/download/$GOSU_VERSION/gosu-$dpkgArch"; \\
	echo "$sha256 */usr/local/bin/gosu" | sha256sum -c -
`;
}
