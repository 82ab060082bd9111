// Lockfile readers are asked once per dependency of the same lockfile text: each text is parsed once, its error too.

/**
 * `parse`, remembering the answer (or the error it threw) for the last `size` texts. Keyed by the
 * text itself: a map lookup hashes it once, far cheaper than parsing it again.
 */
export function memoByText<T>(parse: (text: string) => T, size = 8): (text: string) => T {
  const remembered = new Map<string, { value: T } | { error: unknown }>();
  return (text) => {
    let answer = remembered.get(text);
    if (!answer) {
      try {
        answer = { value: parse(text) };
      } catch (error) {
        answer = { error };
      }
      if (remembered.size >= size) remembered.delete(remembered.keys().next().value!);
      remembered.set(text, answer);
    }
    if ('error' in answer) throw answer.error;
    return answer.value;
  };
}
