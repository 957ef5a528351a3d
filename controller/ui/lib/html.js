// JSX-like templates without a build step: htm tagged templates that produce Preact elements.
import htm from 'htm';
import { h } from 'preact';

export const html = htm.bind(h);
