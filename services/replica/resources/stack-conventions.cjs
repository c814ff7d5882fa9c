// Local osls plugins must live inside the service directory; the plugin itself is shared by both services.
'use strict';

module.exports = require('../../../shared/stack-conventions.cjs');
