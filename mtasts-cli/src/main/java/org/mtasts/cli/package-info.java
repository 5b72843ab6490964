/**
 * The {@code mtasts} command: {@code check}, {@code demo}, {@code record parse}, {@code policy lint},
 * {@code report show}, {@code report summary} and {@code generate}. The JSON printed with {@code
 * --json} and the exit codes (0 all good, 1 findings, 2 temporary failure, 64 usage error) are a
 * contract: see the README.
 */
package org.mtasts.cli;
