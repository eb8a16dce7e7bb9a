/** Replaced at build time by tsup (`define`) with the CLI package's version. */
declare const CLI_VERSION: string;
