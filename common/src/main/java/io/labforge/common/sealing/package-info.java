/** Secrets in transit: HPKE sealing to one reader, bound to one message. */
package io.labforge.common.sealing;
