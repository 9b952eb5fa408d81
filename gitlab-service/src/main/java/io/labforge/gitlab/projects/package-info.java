/** The content Labforge seeds projects with (R10-R13), from its resources. */
package io.labforge.gitlab.projects;
