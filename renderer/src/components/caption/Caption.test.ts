// @vitest-environment jsdom
import { render } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import Caption from './Caption.svelte';

// "Hello brave new world." as the second sentence of a reading, at offset 20 of its text.
const sentence = { text: 'Hello brave new world.', offset: 20 };
const brave = { textOffset: 26, length: 5 };

function highlighted(container: HTMLElement): HTMLElement[] {
  return [...container.querySelectorAll('mark')];
}

describe('Caption', () => {
  it('shows the sentence with the word being heard highlighted', () => {
    const { container } = render(Caption, { props: { sentence, word: brave } });
    const paragraph = container.querySelector('p');
    expect(paragraph?.textContent).toBe('Hello brave new world.');
    expect(highlighted(container).map((mark) => mark.textContent)).toEqual(['brave']);
  });

  it('moves the highlight when the word changes', async () => {
    const { container, rerender } = render(Caption, { props: { sentence, word: brave } });
    await rerender({ sentence, word: { textOffset: 36, length: 5 } });
    expect(highlighted(container).map((mark) => mark.textContent)).toEqual(['world']);
    expect(container.querySelector('p')?.textContent).toBe('Hello brave new world.');
  });

  it('highlights nothing before the first word is heard', () => {
    const { container } = render(Caption, { props: { sentence } });
    expect(highlighted(container)).toEqual([]);
    expect(container.textContent?.trim()).toBe('Hello brave new world.');
  });

  it("paints the highlight in the user's colour with text that reads on it", () => {
    const light = render(Caption, { props: { sentence, word: brave, highlightColor: '#ffd54f' } });
    const onLight = highlighted(light.container)[0];
    expect(onLight?.style.getPropertyValue('--highlight')).toBe('#ffd54f');
    expect(onLight?.style.color).toBe('rgb(0, 0, 0)');
    light.unmount();

    const dark = render(Caption, { props: { sentence, word: brave, highlightColor: '#1d4ed8cc' } });
    const onDark = highlighted(dark.container)[0];
    expect(onDark?.style.getPropertyValue('--highlight')).toBe('#1d4ed8');
    expect(onDark?.style.color).toBe('rgb(255, 255, 255)');
  });

  it('fades the other words only when asked to', async () => {
    const { container, rerender } = render(Caption, { props: { sentence, word: brave } });
    expect(container.querySelector('.dim-rest')).toBeNull();
    await rerender({ sentence, word: brave, dimRest: true });
    const faded = [...container.querySelectorAll('.dim-rest .rest')].map((part) => part.textContent);
    expect(faded).toEqual(['Hello ', ' new world.']);
  });

  it('shows a long sentence a page at a time, turning the page with the highlight', async () => {
    const long = { text: 'One two three four five six seven eight.', offset: 0 };
    const { container, rerender } = render(Caption, {
      props: { sentence: long, word: { textOffset: 4, length: 3 }, maxChars: 22 },
    });
    expect(container.querySelector('p')?.textContent).toBe('One two three four…');
    expect(highlighted(container)[0]?.textContent).toBe('two');
    await rerender({ sentence: long, word: { textOffset: 28, length: 5 }, maxChars: 22 });
    expect(container.querySelector('p')?.textContent).toBe('…five six seven eight.');
    expect(highlighted(container)[0]?.textContent).toBe('seven');
  });
});
