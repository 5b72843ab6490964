/** Machinery shared by the report and e-mail readers; not exported. */
package org.mtasts.tlsrpt.internal;
