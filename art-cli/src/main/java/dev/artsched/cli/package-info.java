/**
 * The art command-line tool on picocli: the root command ArtCli and its subcommands schedule, eval, train,
 * paper-1d, demo, sample and import, with the shared error handling, JSON output and progress bars of CliSupport.
 */
package dev.artsched.cli;
