/** What ./labforge runs in a checkout: the product's command line plus demo and lab up/down/reboot. */
package io.labforge.devrig.cli;
