import { type OptionHandlers, readOptions, wantsHelp } from '../../bench/lib/command-line';

describe("the harness commands' options (bench/lib/command-line.ts)", () => {
  it('asks for the usage with --help or -h anywhere', () => {
    expect(wantsHelp(['--rounds', '3', '--help'])).toBe(true);
    expect(wantsHelp(['-h'])).toBe(true);
    expect(wantsHelp(['--rounds', '3'])).toBe(false);
  });

  it('reads a word value, refusing none and the next option taken for one', () => {
    let dir: string | undefined;
    const handlers: OptionHandlers = {
      '--dist': (value) => (dir = value.text('a directory')),
    };
    readOptions(['--dist', 'dist-bench-b'], handlers);
    expect(dir).toBe('dist-bench-b');
    expect(() => readOptions(['--dist'], handlers)).toThrow(
      '--dist needs a directory, got nothing',
    );
    expect(() => readOptions(['--dist', '--write'], handlers)).toThrow(
      '--dist needs a directory, got --write',
    );
  });

  it('hands the words that are not options to the operand handler, when the command takes any', () => {
    const files: string[] = [];
    let functions = 0;
    readOptions(
      ['a.cpuprofile', '--functions', '3', 'b.cpuprofile'],
      { '--functions': (value) => (functions = value.integer(0, 10)) },
      (file) => files.push(file),
    );
    expect({ files, functions }).toEqual({ files: ['a.cpuprofile', 'b.cpuprofile'], functions: 3 });
    // Without one, such a word is an unknown option, named.
    expect(() => readOptions(['a.cpuprofile'], {})).toThrow('unknown option a.cpuprofile');
    expect(() => readOptions(['--nope'], {}, (file) => files.push(file))).toThrow(
      'unknown option --nope',
    );
  });
});
