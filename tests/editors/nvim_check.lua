-- Headless Neovim check of the README's "Editors" steps (run by tests/test_lsp.py when nvim exists):
--   nvim --headless -u init.lua -c "source apolint.vim" -c "luafile tests/editors/nvim_check.lua" draft.md
-- init.lua is the README's Neovim block for the installed version, apolint.vim its Vim
-- errorformat command. Prints what the editor saw, one fact per line, then quits.
local function diagnostics()
  local diags = vim.diagnostic.get(0)
  table.sort(diags, function(a, b)
    if a.lnum ~= b.lnum then return a.lnum < b.lnum end
    if a.col ~= b.col then return a.col < b.col end
    return (a.message < b.message)
  end)
  return diags
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or "?"
end

local function show(tag)
  local diags = diagnostics()
  print(string.format("%s: %d diagnostics", tag, #diags))
  for _, d in ipairs(diags) do
    print(string.format("DIAG %d:%d-%d:%d %s %s %s", d.lnum, d.col, d.end_lnum, d.end_col,
      vim.diagnostic.severity[d.severity], code_of(d), d.source or ""))
  end
  return diags
end

local function find(code)
  for _, d in ipairs(diagnostics()) do
    if code_of(d) == code then return d end
  end
end

-- pick the code action whose title contains `word`, as a user would from the menu
local function run_action(d, word)
  local titles = {}
  vim.api.nvim_win_set_cursor(0, { d.lnum + 1, d.col })
  vim.ui.select = function(items, opts, on_choice)
    for _, item in ipairs(items) do table.insert(titles, (opts.format_item(item))) end
    for i, item in ipairs(items) do
      if opts.format_item(item):find(word, 1, true) then return on_choice(item, i) end
    end
    on_choice(nil, nil)
  end
  vim.lsp.buf.code_action()
  vim.wait(5000, function() return #titles > 0 end, 20)
  return titles
end

local function main()
local t0 = vim.loop.hrtime()
local arrived = vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 20)
print(string.format("diagnostics arrived: %s after %.1f s", tostring(arrived), (vim.loop.hrtime() - t0) / 1e9))
show("after open")
local client = vim.lsp.get_active_clients()[1]
print("client: " .. client.name .. " offset_encoding=" .. tostring(client.offset_encoding))

local scope = find("vague-scope")
vim.api.nvim_win_set_cursor(0, { scope.lnum + 1, scope.col + 3 }) -- inside the finding, as `K` would be
local hover = vim.lsp.buf_request_sync(0, "textDocument/hover", vim.lsp.util.make_position_params(), 5000)
for _, r in pairs(hover or {}) do
  print("HOVER " .. (r.result and vim.split(r.result.contents.value, "\n")[1] or "(none)"))
end

local titles = run_action(find("non-apology"), "replace")
for _, t in ipairs(titles) do print("ACTION " .. t) end
vim.wait(10000, function() return find("non-apology") == nil end, 20)
local na_line = vim.api.nvim_buf_line_count(0)
print("LINE " .. na_line .. ": " .. vim.api.nvim_buf_get_lines(0, na_line - 1, na_line, false)[1])
show("after the fix")

local count = vim.api.nvim_buf_line_count(0)
titles = run_action(find("missing-remedy"), "insert")
for _, t in ipairs(titles) do print("ACTION " .. t) end
vim.wait(5000, function() return vim.api.nvim_buf_line_count(0) > count end, 20)
for i, l in ipairs(vim.api.nvim_buf_get_lines(0, count, -1, false)) do print("INSERTED " .. (count + i) .. ": " .. l) end
vim.wait(10000, function() return find("unfilled-placeholder") ~= nil end, 20)
show("after the skeleton")

if vim.fn.exists(":Apolint") == 2 then
  vim.cmd("Apolint")
  for _, e in ipairs(vim.fn.getqflist()) do
    print(string.format("QF %d:%d %s %s", e.lnum, e.col, e.type, e.text))
  end
end
end

local ok, err = pcall(main)
if not ok then print("CHECK FAILED: " .. tostring(err)) end
vim.cmd("qa!")
