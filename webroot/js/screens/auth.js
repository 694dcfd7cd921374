// Signing up and logging in.
'use strict';

import * as api from '../api.js';
import { ApiError } from '../api.js';
import { explain, h, replace, state } from '../ui.js';
import { flow, logIn } from '../session.js';

const root = document.getElementById('app');

export function authScreen(mode) {
  const signup = mode === 'signup';
  const error = h('p', { class: 'error', role: 'alert', id: 'auth-error' });
  const username = h('input', { type: 'text', id: 'username', name: 'username', required: true, autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false', maxlength: 64, 'aria-describedby': 'username-hint' });
  const password = h('input', { type: 'password', id: 'password', name: 'password', required: true,
    autocomplete: signup ? 'new-password' : 'current-password', minlength: signup ? 8 : null });
  const confirmPassword = signup ? h('input', { type: 'password', id: 'password-again', required: true, autocomplete: 'new-password' }) : null;
  const submit = h('button', { class: 'primary', type: 'submit' }, signup ? 'Create account' : 'Log in');
  const status = h('span', { class: 'badge', id: 'node-status' }, 'checking…');
  fetch('/api/v1/health').then(r => r.json()).then(health => {
    status.textContent = health.status === 'up' ? 'up' : 'storage down';
    status.className = 'badge ' + (health.status === 'up' ? 'up' : 'down');
  }).catch(() => { status.textContent = 'unreachable'; status.className = 'badge down'; });

  const form = h('form', {
    'aria-labelledby': 'auth-title', novalidate: true,
    onsubmit: async event => {
      event.preventDefault();
      error.textContent = '';
      const name = username.value.trim().toLowerCase();
      // Every problem at once, each in words, and the first field at fault focused.
      const problems = [];
      if (!name) problems.push([username, 'Enter a username.']);
      else if (signup && !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(name)) {
        problems.push([username, 'A username is lower-case letters, digits, dots, dashes or underscores, starting with a letter or a digit.']);
      }
      if (!password.value) problems.push([password, 'Enter a password.']);
      else if (signup && [...password.value].length < 8) problems.push([password, 'A password has at least 8 characters.']);
      if (signup && password.value && password.value !== confirmPassword.value) problems.push([confirmPassword, 'The two passwords differ.']);
      if (problems.length) {
        replace(error, problems.map(([, text]) => h('span', { class: 'line' }, text)));
        problems[0][0].focus();
        return;
      }
      submit.disabled = true;
      submit.textContent = signup ? 'Creating your account and keys…' : 'Logging in…';
      try {
        if (signup) {
          await api.request('POST', '/auth/register', { username: name, password: password.value });
          // The first thing after sign-up: the recovery file, before anything needs it.
          flow.returnTo = '#/backup';
        }
        await logIn(name, password.value);
      } catch (e) {
        error.textContent = e instanceof ApiError && e.is('rate-limited') && e.retryAfter
          ? `${e.message} (try again in ${e.retryAfter} s)` : explain(e);
        submit.disabled = false;
        submit.textContent = signup ? 'Create account' : 'Log in';
        password.select();
      }
    }
  },
  h('label', { for: 'username' }, 'Username'),
  h('div', { class: 'userid-field' }, username, h('span', { 'aria-hidden': 'true' }, '@' + state.node.domain)),
  h('p', { class: 'hint', id: 'username-hint' }, signup ? 'Lower-case letters, digits, dots, dashes and underscores. Your id will be name@' + state.node.domain + '.' : `Your account on ${state.node.domain}.`),
  h('label', { for: 'password' }, 'Password'),
  password,
  signup ? h('p', { class: 'hint' }, 'At least 8 characters. It also locks your encryption keys in this browser: nobody, not even this node, can reset it.') : null,
  signup ? [h('label', { for: 'password-again' }, 'Password, again'), confirmPassword] : null,
  error,
  h('div', { class: 'actions' }, submit));

  replace(root, h('main', { class: 'auth', id: 'main' },
    h('div', { class: 'card' },
      h('h1', { class: 'brand', id: 'auth-title' }, h('span', { class: 'dot', 'aria-hidden': 'true' }, '●'), 'OpenRed'),
      h('p', { class: 'muted' }, 'Private conversations, end-to-end encrypted in your browser.'),
      flow.notice ? h('p', { class: 'notice', role: 'status' }, flow.notice) : null,
      h('div', { class: 'tabs', role: 'tablist' },
        h('button', { role: 'tab', 'aria-selected': String(!signup), onclick: () => { location.hash = '#/login'; } }, 'Log in'),
        h('button', { role: 'tab', 'aria-selected': String(signup), onclick: () => { location.hash = '#/signup'; } }, 'Sign up')),
      form,
      h('p', { class: 'node-info' }, 'Node ', h('strong', {}, state.node.domain), ' · ', status, ' · ', state.node.software.name, ' ', state.node.software.version))));
  username.focus();
}

