/** What workers report of a step (events) and the outputs a command declares. */
package io.labforge.common.step;
