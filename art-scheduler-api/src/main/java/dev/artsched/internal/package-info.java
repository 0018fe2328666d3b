/**
 * Implementation support shared by the project's modules and not part of the public API (the api module does not
 * export it): the one crash-safe atomic file writer.
 */
package dev.artsched.internal;
