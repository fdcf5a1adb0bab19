// The page's only script, inline: filters for the requirement matrix and the
// scenarios, and opening the timeline a link points at. The page is complete
// without it (everything is in the HTML); it only hides and opens things.
export const SCRIPT = `
(function(){
  function $(s,r){return (r||document).querySelector(s)}
  function $$(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s))}
  function filter(scope){
    var box=$('[data-filters="'+scope+'"]'); if(!box) return;
    var q=($('input[type=search]',box).value||'').toLowerCase();
    var sel={}; $$('select',box).forEach(function(s){sel[s.name]=s.value});
    $$('[data-row="'+scope+'"]').forEach(function(el){
      if(el._t===undefined) el._t=el.textContent.toLowerCase();
      var ok=(!q||el._t.indexOf(q)>=0);
      for(var k in sel){ if(sel[k]&&el.getAttribute('data-'+k)!==sel[k]) ok=false; }
      el.classList.toggle('hide',!ok);
    });
    var n=$$('[data-row="'+scope+'"]:not(.hide)').length, c=$('.shown',box); if(c) c.textContent=n+' shown';
  }
  $$('[data-filters]').forEach(function(box){
    var scope=box.getAttribute('data-filters');
    box.addEventListener('input',function(){filter(scope)});
    box.addEventListener('change',function(){filter(scope)});
  });
  $$('.counts button').forEach(function(b){
    b.addEventListener('click',function(){
      var s=$('[data-filters="scenarios"] select[name=verdict]'); if(!s) return;
      s.value=b.classList.contains('on')?'':b.getAttribute('data-verdict');
      $$('.counts button').forEach(function(x){x.classList.toggle('on',x===b&&s.value!=='')});
      filter('scenarios'); location.hash='#scenarios';
    });
  });
  function openTarget(){
    var id=decodeURIComponent(location.hash.slice(1)); if(!id) return;
    var el=document.getElementById(id); if(!el) return;
    $$('details.target').forEach(function(d){d.classList.remove('target')});
    var d=el.tagName==='DETAILS'?el:el.closest('details');
    if(d){d.open=true; d.classList.remove('hide'); d.classList.add('target');}
    if(el.tagName==='TR') el.classList.remove('hide');
    el.scrollIntoView();
  }
  window.addEventListener('hashchange',openTarget); openTarget();
})();
`;
