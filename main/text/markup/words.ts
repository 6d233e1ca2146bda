// The few words cleaning adds to a text ("Code block.", "a link to", "Table.", an address's "at" and
// "dot"), in the text's language.

export interface Words {
  codeBlock: string;
  linkTo: string;
  table: string;
  at: string;
  dot: string;
}

const WORDS: Readonly<Record<string, Words>> = {
  en: { codeBlock: 'Code block.', linkTo: 'a link to', table: 'Table.', at: 'at', dot: 'dot' },
  de: { codeBlock: 'Codeblock.', linkTo: 'ein Link zu', table: 'Tabelle.', at: 'at', dot: 'Punkt' },
  fr: { codeBlock: 'Bloc de code.', linkTo: 'un lien vers', table: 'Tableau.', at: 'arobase', dot: 'point' },
  es: { codeBlock: 'Bloque de código.', linkTo: 'un enlace a', table: 'Tabla.', at: 'arroba', dot: 'punto' },
  it: {
    codeBlock: 'Blocco di codice.',
    linkTo: 'un link a',
    table: 'Tabella.',
    at: 'chiocciola',
    dot: 'punto',
  },
  pt: { codeBlock: 'Bloco de código.', linkTo: 'um link para', table: 'Tabela.', at: 'arroba', dot: 'ponto' },
  nl: { codeBlock: 'Codeblok.', linkTo: 'een link naar', table: 'Tabel.', at: 'apenstaartje', dot: 'punt' },
};

/** The words for an ISO 639-1 language (a region such as "pt-BR" is ignored); unknown → English. */
export function wordsFor(language: string | undefined): Words {
  const base = (language ?? 'en').toLowerCase().split(/[-_]/)[0] ?? 'en';
  return WORDS[base] ?? (WORDS.en as Words);
}
