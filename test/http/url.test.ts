// URLs as others may see them: withoutUserInfo for one URL, withoutUserInfoIn for any text that quotes URLs.
import { describe, expect, it } from 'vitest';
import { withoutUserInfo, withoutUserInfoIn } from '../../src/http/url.js';

describe('withoutUserInfoIn', () => {
  it.each([
    ['GET http://build:pa55word@127.0.0.1:8080/simple/x/: HTTP 401', 'GET http://127.0.0.1:8080/simple/x/: HTTP 401'],
    ['redis://:pa55word@127.0.0.1:6379/0 is down', 'redis://127.0.0.1:6379/0 is down'],
    ['rediss://freshen:pa55word@127.0.0.1:6380', 'rediss://127.0.0.1:6380'],
    ['token as user: https://ghp_0123456789abcdef@127.0.0.1/org/repo.git', 'token as user: https://127.0.0.1/org/repo.git'],
    ['an unencoded @ in the password: https://u:p@ss@127.0.0.1/simple', 'an unencoded @ in the password: https://127.0.0.1/simple'],
    ['no scheme: //u:pa55word@127.0.0.1/', 'no scheme: //127.0.0.1/'],
    ['two: http://a:b@127.0.0.1/ and git+https://c@127.0.0.1/r.git', 'two: http://127.0.0.1/ and git+https://127.0.0.1/r.git'],
  ])('%s', (text, shown) => {
    expect(withoutUserInfoIn(text)).toBe(shown);
  });

  it.each([
    'https://127.0.0.1/files/a@b.whl',
    'mail ops@example.org about https://127.0.0.1/x',
    'sha256:abc; name@version; //comment with @mention',
    'docker.io/library/node:20@sha256:0123',
  ])('leaves text without userinfo alone: %s', (text) => {
    expect(withoutUserInfoIn(text)).toBe(text);
  });

  it('keeps a JSON line JSON: a match never crosses a quote', () => {
    const line = JSON.stringify({ url: 'https://u:p"w\\x@127.0.0.1/simple', other: 'a@b', list: ['//k:v@127.0.0.1'] });
    const shown = withoutUserInfoIn(line);
    expect(() => JSON.parse(shown)).not.toThrow();
    expect(JSON.parse(shown).url).toBe('https://127.0.0.1/simple');
    expect(JSON.parse(shown).list).toEqual(['//127.0.0.1']);
    expect(JSON.parse(shown).other).toBe('a@b');
  });

  it('agrees with withoutUserInfo on a single URL', () => {
    const url = 'https://__token__:pa55word@127.0.0.1:8443/simple/';
    expect(withoutUserInfoIn(url)).toBe(withoutUserInfo(url));
  });
});
