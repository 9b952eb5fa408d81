/** The envelope every message travels in, logical message names, topics, the JSON codec. */
package io.labforge.common.messaging;
