import { wordList } from './word-list';

describe('wordList', () => {
  it('writes none, one, two and more items as a sentence does', () => {
    expect(wordList([], 'or')).toBe('');
    expect(wordList(['SIWE'], 'and')).toBe('SIWE');
    expect(wordList(['SIWE', 'SIWS'], 'and')).toBe('SIWE and SIWS');
    expect(wordList(['a', 'b', 'c'], 'or')).toBe('a, b or c');
  });
});
