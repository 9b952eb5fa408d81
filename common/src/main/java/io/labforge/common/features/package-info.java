/** The registration of every feature of the lab: the one list a new feature joins in {@code common}. */
package io.labforge.common.features;
