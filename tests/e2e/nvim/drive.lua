-- Drives tf2-lsp from a headless Neovim 0.7.2 (Debian 12's): no vim.lsp.start, no -l.
--
--   nvim --headless --clean -u NONE -c "luafile tests/e2e/nvim/drive.lua" FILE
--
-- Environment: TF2LSP_SETUP (the README's Neovim 0.7 snippet, its cmd read from
-- TF2LSP_SERVER_CMD, a JSON list), TF2LSP_OUT (results JSON), TF2LSP_SECOND (another file).
-- Sets up tf2-lsp the README's way, opens FILE and a second Python file (one server, both
-- attached), waits for diagnostics, hovers the TF101 finding, applies its quick fix,
-- writes the buffer, waits for the re-published diagnostics, writes the results and quits.
-- Every wait has a timeout; whatever happens, the results file is written and Neovim quits.

local TIMEOUT = 30000
local out_path = assert(os.getenv("TF2LSP_OUT"), "TF2LSP_OUT is not set")
local result = { errors = {} }
local finished = false

local function finish()
  if finished then
    return
  end
  finished = true
  local file = io.open(out_path, "w")
  if file then
    file:write(vim.fn.json_encode(result))
    file:close()
  end
  vim.cmd("qa!")
end

-- A last resort should something block without its own timeout.
vim.defer_fn(function()
  table.insert(result.errors, "overall timeout in drive.lua")
  finish()
end, 55000)

local function wait(what, predicate)
  if not vim.wait(TIMEOUT, predicate, 50) then
    error("timed out waiting for " .. what)
  end
end

local function codes(bufnr)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(found, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code))
  end
  table.sort(found)
  return found
end

local function request(bufnr, method, params)
  local responses, err = vim.lsp.buf_request_sync(bufnr, method, params, TIMEOUT)
  if not responses then
    error(method .. " failed: " .. tostring(err))
  end
  for _, response in pairs(responses) do
    if response.err then
      error(method .. " error: " .. vim.inspect(response.err))
    end
    return response.result
  end
end

local function main()
  local published = {} -- the raw LSP diagnostics (vim.diagnostic keeps no LSP ranges in 0.7)
  local on_publish = vim.lsp.handlers["textDocument/publishDiagnostics"]
  vim.lsp.handlers["textDocument/publishDiagnostics"] = function(err, params, ctx, config)
    if params and params.uri == vim.uri_from_bufnr(vim.fn.bufnr(os.getenv("TF2LSP_FIRST"))) then
      published = params.diagnostics
    end
    return on_publish(err, params, ctx, config)
  end
  local started = {} -- every client the setup starts
  local start_client = vim.lsp.start_client
  vim.lsp.start_client = function(config)
    local id = start_client(config)
    table.insert(started, id)
    return id
  end
  dofile(assert(os.getenv("TF2LSP_SETUP"), "TF2LSP_SETUP is not set"))

  local bufnr = vim.api.nvim_get_current_buf()
  vim.bo[bufnr].filetype = "python" -- -u NONE: no filetype detection; this runs the autocmd
  local second = assert(os.getenv("TF2LSP_SECOND"), "TF2LSP_SECOND is not set")
  vim.cmd("edit " .. vim.fn.fnameescape(second))
  local second_buf = vim.api.nvim_get_current_buf()
  vim.bo[second_buf].filetype = "python"
  vim.cmd("buffer " .. bufnr)

  result.clients = #started
  assert(#started == 1, "expected one tf2-lsp client, got " .. #started)
  local client_id = started[1]
  result.attached = {
    first = vim.lsp.buf_is_attached(bufnr, client_id),
    second = vim.lsp.buf_is_attached(second_buf, client_id),
  }
  wait("initialize", function()
    local client = vim.lsp.get_client_by_id(client_id)
    return client ~= nil and client.initialized
  end)
  result.offset_encoding = vim.lsp.get_client_by_id(client_id).offset_encoding

  wait("diagnostics", function()
    return #vim.diagnostic.get(bufnr) > 0
  end)
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    table.insert(result.diagnostics, {
      code = d.code, lnum = d.lnum, col = d.col, end_col = d.end_col, source = d.source,
      message = d.message,
    })
  end
  result.lsp_diagnostics = published
  local session
  for _, d in ipairs(published) do
    if d.code == "TF101" then
      session = d
    end
  end
  assert(session and session.range, "no TF101 diagnostic")

  local position = session.range.start
  local hover = request(bufnr, "textDocument/hover", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = { line = position.line, character = position.character + 3 },
  })
  result.hover = hover and hover.contents and hover.contents.value or vim.NIL

  local actions = request(bufnr, "textDocument/codeAction", {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    range = session.range,
    context = { diagnostics = { session } },
  }) or {}
  result.action_titles = {}
  local fix
  for _, action in ipairs(actions) do
    table.insert(result.action_titles, action.title)
    if not fix and vim.startswith(action.title, "TF101: Replace") then
      fix = action
    end
  end
  assert(fix and fix.edit, "no TF101 quick fix with an edit")
  vim.lsp.util.apply_workspace_edit(fix.edit, "utf-16")
  vim.cmd("write")
  result.written = true

  -- The edit reaches the server as didChange; the new diagnostics lose TF101.
  wait("diagnostics without TF101", function()
    for _, code in ipairs(codes(bufnr)) do
      if code == "TF101" then
        return false
      end
    end
    return true
  end)
  result.final_codes = codes(bufnr)
  vim.lsp.stop_client(client_id)
end

local ok, err = xpcall(main, debug.traceback)
if not ok then
  table.insert(result.errors, tostring(err))
end
finish()
