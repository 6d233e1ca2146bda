// `hark` command line (filled in by the CLI work).
export {};
