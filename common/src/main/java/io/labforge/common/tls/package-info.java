/** Keys, certificate requests and certificates (BouncyCastle). */
package io.labforge.common.tls;
