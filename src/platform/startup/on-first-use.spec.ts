import { onFirstUse } from './on-first-use';

describe('onFirstUse', () => {
  it('loads nothing until first asked, then once: every call gets the same module', async () => {
    const load = jest.fn(() => Promise.resolve({ name: 'module' }));
    const module = onFirstUse(load);
    expect(load).not.toHaveBeenCalled();
    const [first, second] = await Promise.all([module(), module()]);
    const third = await module();
    expect(load).toHaveBeenCalledTimes(1);
    expect(second).toBe(first);
    expect(third).toBe(first);
  });

  it('tries a load that failed again on the next call', async () => {
    const load = jest
      .fn<Promise<string>, []>()
      .mockRejectedValueOnce(new Error('EMFILE'))
      .mockResolvedValue('module');
    const module = onFirstUse(load);
    await expect(module()).rejects.toThrow('EMFILE');
    await expect(module()).resolves.toBe('module');
    expect(load).toHaveBeenCalledTimes(2);
  });
});
